//! Words the scenarios are made of: items, people and what buyers and sellers write, in Spanish
//! and Portuguese.

/// `(title, price in cents)`.
pub const ITEMS_ES: &[(&str, u64)] = &[
    ("Mate de calabaza forrado en cuero", 1_850_000),
    ("Bombilla de alpaca pico de loro", 920_000),
    ("Termo acero inoxidable 1 litro", 4_599_000),
    ("Yerba mate orgánica 1 kg", 650_000),
    ("Set matero con canasta", 3_250_000),
    (
        "Auriculares inalámbricos con cancelación de ruido",
        8_999_000,
    ),
    ("Zapatillas running talle 42", 11_500_000),
    ("Lámpara de escritorio LED regulable", 2_780_000),
    ("Funda de silicona para celular", 450_000),
    ("Mochila urbana impermeable 25 L", 5_200_000),
    ("Cafetera italiana 6 pocillos", 3_100_000),
    ("Juego de sábanas 2 plazas algodón", 4_300_000),
];

pub const ITEMS_PT: &[(&str, u64)] = &[
    ("Cafeteira italiana 6 xícaras", 18_990),
    ("Moedor de café manual cerâmico", 12_950),
    ("Café especial em grãos 1 kg", 9_890),
    ("Caneca térmica inox 500 ml", 7_490),
    ("Fone de ouvido bluetooth com microfone", 15_990),
    ("Tênis de corrida masculino 42", 29_990),
    ("Luminária de mesa LED articulada", 8_990),
    ("Capinha de silicone para celular", 2_990),
    ("Mochila impermeável para notebook", 14_990),
    ("Jogo de lençol casal 100% algodão", 11_990),
    ("Prensa francesa 1 litro", 6_990),
    ("Kit 03 adesivo spray 300 g", 12_995),
];

pub const FIRST_NAMES_ES: &[&str] = &[
    "María",
    "Juan",
    "Sofía",
    "Mateo",
    "Valentina",
    "Santiago",
    "Camila",
    "Benjamín",
    "Lucía",
    "Martín",
    "Florencia",
    "Joaquín",
    "Agustina",
    "Tomás",
    "Julieta",
];
pub const LAST_NAMES_ES: &[&str] = &[
    "González",
    "Rodríguez",
    "Gómez",
    "Fernández",
    "López",
    "Díaz",
    "Martínez",
    "Pérez",
    "Romero",
    "Sosa",
    "Álvarez",
    "Torres",
    "Ruiz",
    "Ramírez",
];
pub const FIRST_NAMES_PT: &[&str] = &[
    "Ana", "João", "Beatriz", "Pedro", "Mariana", "Lucas", "Larissa", "Gabriel", "Fernanda",
    "Rafael", "Camila", "Thiago", "Juliana", "Gustavo",
];
pub const LAST_NAMES_PT: &[&str] = &[
    "Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira", "Almeida",
    "Carvalho", "Ribeiro", "Gomes", "Rocha",
];

pub const CITIES_ES: &[(&str, &str)] = &[
    ("Palermo", "AR-C"),
    ("Córdoba", "AR-X"),
    ("Rosario", "AR-S"),
    ("Mendoza", "AR-M"),
    ("La Plata", "AR-B"),
];
pub const CITIES_PT: &[(&str, &str)] = &[
    ("São Paulo", "BR-SP"),
    ("Rio de Janeiro", "BR-RJ"),
    ("Belo Horizonte", "BR-MG"),
    ("Curitiba", "BR-PR"),
    ("Porto Alegre", "BR-RS"),
];

pub const BUYER_LINES_ES: &[&str] = &[
    "Hola, ¿cuándo despachan el pedido?",
    "Buenas tardes, ¿me confirman el color que elegí?",
    "¿Tienen factura A? La necesito para la empresa.",
    "Hola! Ya pagué, ¿cuándo llega?",
    "¿El producto tiene garantía oficial?",
    "Gracias por la atención, llegó perfecto 😊",
    "Hola, el paquete todavía no llegó. ¿Me pasan el seguimiento?",
    "¿Puedo cambiar la dirección de entrega?",
    "Compré dos, ¿los mandan juntos?",
    "¿Me podrían enviar la factura por acá?",
];
pub const SELLER_LINES_ES: &[&str] = &[
    "¡Hola! Gracias por tu compra. Lo despachamos mañana a primera hora.",
    "Hola, sí, el color es el que elegiste en la publicación.",
    "Te adjuntamos la factura. ¡Saludos!",
    "El envío ya está en camino, deberías recibirlo en 48 h.",
    "Sí, tiene 12 meses de garantía oficial.",
    "¡Qué bueno que llegó bien! Cualquier cosa, estamos a disposición.",
];
pub const BUYER_LINES_PT: &[&str] = &[
    "Olá, quando vocês enviam o pedido?",
    "Boa tarde, podem confirmar a cor que escolhi?",
    "Vocês emitem nota fiscal? Preciso para a empresa.",
    "Oi! Já paguei, quando chega?",
    "O produto tem garantia?",
    "Obrigada, chegou certinho 😊",
    "Olá, o pacote ainda não chegou. Podem me passar o rastreio?",
    "Posso mudar o endereço de entrega?",
    "Comprei dois, vocês mandam juntos?",
    "Podem me enviar a nota fiscal por aqui?",
];
pub const SELLER_LINES_PT: &[&str] = &[
    "Olá! Obrigado pela compra. Enviamos amanhã cedo.",
    "Oi, sim, a cor é a que você escolheu no anúncio.",
    "Segue a nota fiscal em anexo. Abraços!",
    "O pedido já está a caminho, deve chegar em 48 h.",
    "Sim, tem 12 meses de garantia.",
    "Que bom que chegou bem! Qualquer coisa, estamos à disposição.",
];
